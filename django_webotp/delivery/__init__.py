"""A challenge becomes an SMS and is sent: ``compose`` writes it, ``send`` sends it and records
the outcome, ``tasks`` does it off the request path, ``links`` makes its one-tap link."""
