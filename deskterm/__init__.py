"""deskterm: the reception duty desk."""
__version__ = "0.1.0"
