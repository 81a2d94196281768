/** vidlog producer-sdk module. */
package io.vidlog.producer;
