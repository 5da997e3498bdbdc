// Command tributary runs the Tributary LRS: any role, or all of them in one
// process (see internal/roles).
package main

import (
	"os"

	"github.com/tributary-lrs/tributary/internal/roles"
)

func main() { os.Exit(roles.Main(os.Args[1:], os.Environ(), os.Stdout, os.Stderr)) }
