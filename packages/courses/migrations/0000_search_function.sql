-- Tags as one text for the search vector; array_to_string is only STABLE, and a generated column needs IMMUTABLE.
CREATE FUNCTION courses_tags_text(tags text[]) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT coalesce(array_to_string(tags, ' '), '') $$;
