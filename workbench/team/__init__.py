"""Working as a team: agreement between coders, merging copies of a project, git setup."""
