// scripts/bench's load generator; filled in by the benchmark work.
print("switchboard-bench: not implemented yet")
