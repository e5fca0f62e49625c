"""The office's day: the deadline calendar and how each is proved done, the timeline."""
