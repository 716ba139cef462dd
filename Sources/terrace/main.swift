import TerraceCLI

await Terrace.start()
