from stethoscope.cli import main

main()
