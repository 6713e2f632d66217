"""Running Tilflytt on more than one machine: backup, restore and its verification, and the
single-beat lock. Knows no other app: it works on every table and every stored file."""
