package access

import "net/http"

// Authorized expects the request to get past authentication and
// authorization: any HTTP answer but 401 and 403, and but 429 and 5xx,
// which are no answer at all (see noanswer.go; the service proxy's "no
// endpoints" 503 is the one exception). It is for probes that ask
// only "may this subject do that?", such as a get of an object that does not
// exist (404) or a create whose body the server cannot decode (400): the
// authorizer runs before the handler, so any such answer means it said yes,
// and nothing is changed on the cluster.
func Authorized() Expectation { return Expectation{authorized: true} }

const authorizedText = "authorized (any answer but 401/403, 429 and 5xx)"

func passedAuthorization(o Outcome) bool {
	return !noVerdict(o) && o.Code != http.StatusUnauthorized && o.Code != http.StatusForbidden
}
