-- How each marketplace account is reached and what it needs to list (the shop's address
-- and id, Etsy's taxonomy table, who made the pieces): JSON read by hanout-market.
-- Never a secret: those live in the vault.
ALTER TABLE marketplace ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
