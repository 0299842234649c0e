CREATE VIEW "public"."courses_enrollments_v" AS (select e.course_id, e.user_id, e.status, e.enrolled_at, e.completed_at,
  coalesce((
    select case when count(*) = 0 then null else count(cc.material_id)::float8 / count(*) end
    from courses_materials m
    left join courses_completions cc on cc.material_id = m.id and cc.user_id = e.user_id
    where m.course_id = e.course_id and m.required
  ), case when e.status = 'completed' then 1 else 0 end)::float8 as progress
  from courses_enrollments e);