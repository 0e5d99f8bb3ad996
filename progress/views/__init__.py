"""Pages of the monthly update, one module per screen."""
