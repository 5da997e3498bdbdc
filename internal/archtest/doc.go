// Package archtest holds tests of the shape of the code base as a whole: which
// packages may import what, and what code below main may not do. It has no
// code of its own.
package archtest
