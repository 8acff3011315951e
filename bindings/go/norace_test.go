//go:build !race

package imapclient

// raceDetector: the tests run under -race.
const raceDetector = false
