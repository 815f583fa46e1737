"""Development tools that are not part of the product (custom lint contracts)."""
