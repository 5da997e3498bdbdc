package app

import (
	"github.com/tributary-lrs/tributary/ingest/publish"
	"github.com/tributary-lrs/tributary/ingest/server"
	"github.com/tributary-lrs/tributary/platform/config"
)

// ServerOptions are the options of the write API from the ingest.* keys.
func ServerOptions(c config.Ingest) server.Options {
	return server.Options{MaxBodyBytes: c.MaxBodyBytes, PublishTimeout: c.PublishTimeout, RetryAfter: c.RetryAfter,
		RecentIDs: c.RecentIDs, WatermarkRefresh: c.WatermarkRefresh}
}

// PublishOptions are the options of the Kafka publisher from the kafka.*
// and ingest.* keys.
func PublishOptions(k config.Kafka, c config.Ingest) publish.KafkaOptions {
	return publish.KafkaOptions{Brokers: k.Brokers, Topic: k.Topic, ClientID: k.ClientID,
		PublishTimeout: c.PublishTimeout, HeartbeatInterval: c.HeartbeatInterval,
		BatchTimeout: c.BatchTimeout, BatchSize: c.BatchSize}
}
