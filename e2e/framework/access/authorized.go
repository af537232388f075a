package access

import "net/http"

// Authorized expects the request to get past authentication and
// authorization: any HTTP answer but 401 and 403. It is for probes that ask
// only "may this subject do that?", such as a get of an object that does not
// exist (404) or a create whose body the server cannot decode (400): the
// authorizer runs before the handler, so any such answer means it said yes,
// and nothing is changed on the cluster.
func Authorized() Expectation { return Expectation{authorized: true} }

const authorizedText = "authorized (any answer but 401/403)"

func passedAuthorization(o Outcome) bool {
	return o.Code != 0 && o.Code != http.StatusUnauthorized && o.Code != http.StatusForbidden
}
