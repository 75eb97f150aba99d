"""Files attached to orders, deliveries, customers and acceptance issues (P2.5.b): product manuals
产品说明书, service records 服务记录, contracts, photos. Stored through Django's storage API, checked for size and
type, never served inline; each upload is on the order's timeline."""
