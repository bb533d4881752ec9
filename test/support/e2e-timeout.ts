// e2e tests spawn the CLI several times each; jest's 5 s default is too short under load.
jest.setTimeout(60_000)
