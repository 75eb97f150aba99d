"""The customer's own pages (P2.5.b): a private link per order (signed, expiring, revocable), the
order's status, progress and documents, seen without an account. The chapters above add their sections
(the delivery voucher, acceptance, issues, surveys, complaints) through `portal.sections`."""
