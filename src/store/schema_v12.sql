-- The body that issues the circular (发文单位, e.g. 西山区考评办): the printed board's header.
ALTER TABLE competition ADD COLUMN issuer TEXT;
