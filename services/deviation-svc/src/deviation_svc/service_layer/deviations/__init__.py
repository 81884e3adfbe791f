"""deviations"""
