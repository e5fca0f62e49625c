"""The owner roster: lookup as you type, owners and phones, the roster import."""
