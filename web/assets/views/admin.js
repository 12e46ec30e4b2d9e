// Applicant pages (being written).
