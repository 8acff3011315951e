package imapclient

// #include <imapclient.h>
import "C"

import (
	"context"
	"fmt"
)

// Code is a stable error code of the C library (IMAPC_ERR_*). Codes are
// grouped by kind: 1xx usage, 2xx I/O, 3xx TLS, 4xx protocol and server
// refusals, 5xx library bugs.
type Code int32

// Error codes, equal to the C ABI's IMAPC_ERR_* values.
const (
	CodeInvalidArgument   Code = C.IMAPC_ERR_INVALID_ARGUMENT
	CodeNullPointer       Code = C.IMAPC_ERR_NULL_POINTER
	CodeInvalidUTF8       Code = C.IMAPC_ERR_INVALID_UTF8
	CodeIllegalState      Code = C.IMAPC_ERR_ILLEGAL_STATE
	CodeReadOnly          Code = C.IMAPC_ERR_READ_ONLY
	CodeCapabilityMissing Code = C.IMAPC_ERR_CAPABILITY_MISSING
	CodeIO                Code = C.IMAPC_ERR_IO
	CodeTimeout           Code = C.IMAPC_ERR_TIMEOUT
	CodeInterrupted       Code = C.IMAPC_ERR_INTERRUPTED
	CodeConnectionClosed  Code = C.IMAPC_ERR_CONNECTION_CLOSED
	CodeAborted           Code = C.IMAPC_ERR_ABORTED
	CodeTLS               Code = C.IMAPC_ERR_TLS
	CodeTLSUnknownIssuer  Code = C.IMAPC_ERR_TLS_UNKNOWN_ISSUER
	CodeTLSExpired        Code = C.IMAPC_ERR_TLS_EXPIRED
	CodeTLSNameMismatch   Code = C.IMAPC_ERR_TLS_NAME_MISMATCH
	CodeTLSSelfSigned     Code = C.IMAPC_ERR_TLS_SELF_SIGNED
	CodeStartTLSFailed    Code = C.IMAPC_ERR_STARTTLS_FAILED
	CodeTLSConfig         Code = C.IMAPC_ERR_TLS_CONFIG
	CodeProtocol          Code = C.IMAPC_ERR_PROTOCOL
	CodeNo                Code = C.IMAPC_ERR_NO
	CodeBad               Code = C.IMAPC_ERR_BAD
	CodeBye               Code = C.IMAPC_ERR_BYE
	CodeAuthFailed        Code = C.IMAPC_ERR_AUTH_FAILED
	CodeLimitExceeded     Code = C.IMAPC_ERR_LIMIT_EXCEEDED
	CodeInternal          Code = C.IMAPC_ERR_INTERNAL
)

// String returns the code's stable name, e.g. "IMAPC_ERR_TIMEOUT".
func (c Code) String() string {
	return C.GoString(C.imapc_error_name(C.imapc_result(c)))
}

// IsTLS reports whether the code is one of the TLS codes (3xx).
func (c Code) IsTLS() bool { return c >= 300 && c < 400 }

// Error is the error returned by every failing call: the library's code,
// the server's text (for NO and BAD), the TLS reason for certificate
// failures, and the bracketed response code when the server sent one.
// Match it with errors.Is against the Err* sentinels, or get at the exact
// code with errors.As.
type Error struct {
	Code         Code   // the exact code
	Op           string // the Go method that failed, e.g. "Select"
	Message      string // readable detail: server text, TLS reason...
	ResponseCode string // e.g. "TRYCREATE", "AUTHENTICATIONFAILED"; "" when none
	// Fatal: the connection is unusable after this error (the library's
	// verdict, imapc_error_is_fatal); every later call fails with ErrClosed,
	// so Close and Dial again. False when the client can go on: after a
	// NO, an invalid argument, a CodeLimitExceeded whose oversized
	// response was skipped (or a set of ids too large to expand), or a
	// CodeProtocol for an untagged response that did not parse while its
	// command completed.
	Fatal bool
	cause error // context.Canceled or context.DeadlineExceeded, when the context ended the call
}

// Error returns "imapclient: Op: IMAPC_ERR_...: Message".
func (e *Error) Error() string {
	s := "imapclient: "
	if e.Op != "" {
		s += e.Op + ": "
	}
	s += e.Code.String()
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// Unwrap returns the context's error when the context ended the call.
func (e *Error) Unwrap() error { return e.cause }

// Is matches the Err* sentinels by kind (ErrTLS matches every TLS code)
// and another *Error by code.
func (e *Error) Is(target error) bool {
	switch t := target.(type) {
	case *kindError:
		return t.match(e.Code)
	case *Error:
		return t.Code == e.Code
	}
	return false
}

type kindError struct {
	name  string
	match func(Code) bool
}

func (k *kindError) Error() string { return "imapclient: " + k.name }

func codeIs(codes ...Code) func(Code) bool {
	return func(c Code) bool {
		for _, x := range codes {
			if c == x {
				return true
			}
		}
		return false
	}
}

// Sentinels for errors.Is. Each matches a group of codes.
var (
	// ErrAuth: login or authentication was refused.
	ErrAuth error = &kindError{"authentication failed", codeIs(CodeAuthFailed)}
	// ErrTLS: any TLS failure (certificate, STARTTLS, configuration).
	ErrTLS error = &kindError{"TLS failure", Code.IsTLS}
	// ErrTimeout: a connect, read or write timed out, or the context's
	// deadline passed.
	ErrTimeout error = &kindError{"timeout", codeIs(CodeTimeout)}
	// ErrNo: the server answered NO.
	ErrNo error = &kindError{"server said NO", codeIs(CodeNo)}
	// ErrBad: the server answered BAD.
	ErrBad error = &kindError{"server said BAD", codeIs(CodeBad)}
	// ErrBye: the server said BYE and closed the session.
	ErrBye error = &kindError{"server said BYE", codeIs(CodeBye)}
	// ErrCapability: the server lacks a capability the call needs.
	ErrCapability error = &kindError{"capability missing", codeIs(CodeCapabilityMissing)}
	// ErrClosed: the client was closed or the connection is gone.
	ErrClosed error = &kindError{"connection closed", codeIs(CodeConnectionClosed)}
	// ErrCanceled: the call was interrupted (context canceled, or Close
	// from another goroutine). The connection is closed afterwards.
	ErrCanceled error = &kindError{"canceled", codeIs(CodeInterrupted)}
	// ErrInvalidArgument: an argument was malformed (set, flag, name...).
	ErrInvalidArgument error = &kindError{"invalid argument", codeIs(CodeInvalidArgument, CodeNullPointer, CodeInvalidUTF8)}
	// ErrIllegalState: the call is not allowed now (no folder selected,
	// IDLE running, client unusable after a fatal error).
	ErrIllegalState error = &kindError{"illegal state", codeIs(CodeIllegalState, CodeReadOnly)}
	// ErrAborted matches CodeAborted, the C ABI's code for a fetch its
	// callback stopped. No call of this package returns it: FetchStream
	// returns a callback's own error unchanged (match that one with
	// errors.Is), and a fetch stopped by its context or by Close matches
	// ErrCanceled.
	ErrAborted error = &kindError{"aborted by callback", codeIs(CodeAborted)}
	// ErrProtocol: the server's bytes were not valid IMAP or exceeded a limit.
	ErrProtocol error = &kindError{"protocol error", codeIs(CodeProtocol, CodeLimitExceeded)}
)

// takeError converts and frees a C error.
func takeError(op string, rc C.imapc_result, cerr *C.imapc_error) *Error {
	e := &Error{Code: Code(rc), Op: op}
	if cerr != nil {
		e.Code = Code(C.imapc_error_code(cerr))
		e.Message = C.GoString(C.imapc_error_message(cerr))
		e.Fatal = bool(C.imapc_error_is_fatal(cerr))
		if rc := C.imapc_error_response_code(cerr); rc != nil {
			e.ResponseCode = C.GoString(rc)
		}
		C.imapc_error_free(cerr)
	}
	if e.Code == 0 {
		e.Code = Code(rc)
	}
	return e
}

// ctxError is the error of a call that the context ended (before it
// started, or by interrupting it).
func ctxError(op string, err error) *Error {
	if err == context.DeadlineExceeded {
		return &Error{Code: CodeTimeout, Op: op, Message: "context deadline exceeded", cause: err}
	}
	return &Error{Code: CodeInterrupted, Op: op, Message: fmt.Sprint(err), cause: err}
}

// interruptedError is ctxError for a call whose context's interrupt
// closed the connection: fatal.
func interruptedError(op string, err error) *Error {
	e := ctxError(op, err)
	e.Fatal = true
	return e
}

func closedError(op string) *Error {
	return &Error{Code: CodeConnectionClosed, Op: op, Message: "client is closed", Fatal: true}
}

func invalidError(op, msg string) *Error {
	return &Error{Code: CodeInvalidArgument, Op: op, Message: msg}
}
