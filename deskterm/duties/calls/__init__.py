"""Incoming calls (issue #14): recorded as they ring, answered, missed, returned, and
their figures (ring-to-answer times against the two-rings standard [7.4.3])."""
