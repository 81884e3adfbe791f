"""The ledningssystem's documents: commands, queries, the review deadlines and revision proposals."""
