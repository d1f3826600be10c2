const x: number = 1; console.log("hello from ts", x, process.argv.slice(2))
