package framework

import apierrors "k8s.io/apimachinery/pkg/api/errors"

// IgnoreNotFound makes deleting something already gone a success.
func IgnoreNotFound(err error) error {
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}
