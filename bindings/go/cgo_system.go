//go:build imapclient_system

package imapclient

// #cgo pkg-config: imapclient
import "C"
