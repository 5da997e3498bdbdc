// Package durability holds the fault tests of the all-in-one write path
// (issue 8): the test binary re-runs itself as the LRS process
// (LRS_TEST_RUN_MAIN), which the tests kill with SIGKILL under load, or run
// on a data directory whose file system is full, and then check that every
// statement acknowledged with a 200/204 is stored exactly once: readable by
// id, in the lists, refusing other content under its id (409), and one row
// per id in the tables (read by a second child process that opens the data
// directory with the embedded engine once the LRS stopped).
package durability
