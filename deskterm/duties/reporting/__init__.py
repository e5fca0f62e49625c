"""The reports: periods, the tables each report makes, their charts."""
