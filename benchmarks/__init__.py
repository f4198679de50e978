"""Side-by-side benchmarks of autograd-lite against its peers (see run.py)."""
