"""The internkontrollplan: the nämnd's plan for a year, its rows (kontrollmoment), adoption, follow-up."""
