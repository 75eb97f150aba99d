"""The benchmark suite (issue 4): W1 intake, W1 at scale, W2 analytics, W3 contention.

Run everything:   .venv/bin/python -m bench run --all
One workload:     .venv/bin/python -m bench run --w1-ceiling --w1 --db pg --orders 200 --runs 1
See docs/performance.md for what each workload does and the measured results.
"""
