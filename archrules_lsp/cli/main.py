def main(argv=None):
    raise SystemExit("archrules: CLI under construction")
