"""The customer archive (P4.1.a/b): the customer's page as their whole record, its regular
verification, and the classification by size, industry and purchase frequency with value tiers."""
