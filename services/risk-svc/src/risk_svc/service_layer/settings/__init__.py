"""The tenant's risk settings: bands, the prioritisation rule, the suggestion rule, yearly analyses."""
