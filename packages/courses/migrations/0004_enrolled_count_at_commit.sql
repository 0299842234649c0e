-- enrolled_count follows the enrollments at commit time, not in the enrolling statement: an
-- UPDATE of the course row holds its lock until commit, which made every enrollment in one
-- course (a payment webhook storm, a class enrolling at once) wait for the one before.
-- A deferred trigger takes the row lock only while committing. Counted: enrollments not cancelled.
CREATE OR REPLACE FUNCTION courses_enrolled_count_sync() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  delta integer := 0;
BEGIN
  IF NEW.status <> 'cancelled' THEN delta := 1; END IF;
  IF TG_OP = 'UPDATE' AND OLD.status <> 'cancelled' THEN delta := delta - 1; END IF;
  IF delta <> 0 THEN
    UPDATE courses_courses SET enrolled_count = greatest(enrolled_count + delta, 0) WHERE id = NEW.course_id;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER courses_enrolled_count AFTER INSERT OR UPDATE OF status ON courses_enrollments
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION courses_enrolled_count_sync();
