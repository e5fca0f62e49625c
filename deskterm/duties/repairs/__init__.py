"""The repair desk's duties: orders' work and view, callbacks, approvals, complaints, visits, the register."""
