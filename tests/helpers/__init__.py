"""What the test files share that is not a fixture: accounts (PASSWORD, new_nip, login), the
base app config, a throwaway PKI, and readers of pages and forms. Test files import these from
here, never from a conftest.py: pytest loads conftest.py itself, and a second import by name
would make a second copy of its module state (the NIP counter, for one)."""
