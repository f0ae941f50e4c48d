console.log("db setup: not yet implemented");
