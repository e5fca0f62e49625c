"""The cash desk's duties: fees and charges, what a unit owes, payments and receipts, the drawer and the bank, the fee summary."""
