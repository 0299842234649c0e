/** The catalog search both servers run: the same SQL Lectern's courses plugin sends. */
export const CATALOG_SEARCH_SQL = `
select c.id, c.slug, c.title, c.summary, c.tags, c.level, c.price_amount, c.price_currency,
       c.instructor_id, u.name as instructor_name, c.enrolled_count, c.cover_key,
       ts_rank(c.search, websearch_to_tsquery('english', $1)) as rank
from courses_courses c
join lectern_users u on u.id = c.instructor_id
where c.status = 'published' and c.search @@ websearch_to_tsquery('english', $1)
order by rank desc, c.id desc
limit $2`;

export const PORTS = { lectern: 4811, bare: 4812 };
