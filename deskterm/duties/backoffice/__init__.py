"""The back office's duties: stock and stocktake, the canteen, listings."""
