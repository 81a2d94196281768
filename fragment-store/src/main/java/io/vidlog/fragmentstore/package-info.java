/** vidlog fragment-store module. */
package io.vidlog.fragmentstore;
