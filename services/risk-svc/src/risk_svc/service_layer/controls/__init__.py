"""The scheduled controls of an adopted internkontrollplan: performed, with findings and actions."""
