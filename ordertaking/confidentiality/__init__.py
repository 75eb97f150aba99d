"""Confidential customer data (P4.1.c): one masking rule, the duties that reveal it, access requests
审批后方可查阅 with time-limited revocable grants, the reveal log, and the customer's consent to disclosure."""
