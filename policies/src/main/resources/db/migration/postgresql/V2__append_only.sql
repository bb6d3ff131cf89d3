-- Versions and activations are immutable: refuse UPDATE and DELETE in the database itself.
CREATE FUNCTION refuse_change_of_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER document_versions_append_only BEFORE UPDATE OR DELETE ON document_versions
    FOR EACH ROW EXECUTE FUNCTION refuse_change_of_append_only();

CREATE TRIGGER document_activations_append_only BEFORE UPDATE OR DELETE ON document_activations
    FOR EACH ROW EXECUTE FUNCTION refuse_change_of_append_only();
