"""Outbound gateways (SMS, e-mail): what linehub sends to the world, behind one interface."""
