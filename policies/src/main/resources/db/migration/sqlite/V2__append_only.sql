-- Versions and activations are immutable: refuse UPDATE and DELETE in the database itself.
CREATE TRIGGER document_versions_no_update BEFORE UPDATE ON document_versions
BEGIN
    SELECT RAISE(ABORT, 'document_versions is append-only');
END;

CREATE TRIGGER document_versions_no_delete BEFORE DELETE ON document_versions
BEGIN
    SELECT RAISE(ABORT, 'document_versions is append-only');
END;

CREATE TRIGGER document_activations_no_update BEFORE UPDATE ON document_activations
BEGIN
    SELECT RAISE(ABORT, 'document_activations is append-only');
END;

CREATE TRIGGER document_activations_no_delete BEFORE DELETE ON document_activations
BEGIN
    SELECT RAISE(ABORT, 'document_activations is append-only');
END;
