package app

import (
	"github.com/tributary-lrs/tributary/platform/config"
	"github.com/tributary-lrs/tributary/processor/consumer"
)

// ConsumerOptions are the options of the consumer from the kafka.* and
// processor.* keys.
func ConsumerOptions(k config.Kafka, p config.Processor) consumer.Options {
	return consumer.Options{Brokers: k.Brokers, Topic: k.Topic, DeadLetterTopic: k.DeadLetterTopic,
		GroupID: k.GroupID, ClientID: k.ClientID,
		BatchRows: p.BatchRows, BatchBytes: p.BatchBytes, BatchAge: p.BatchAge,
		RetryMin: p.RetryMin, RetryMax: p.RetryMax, InstanceTTL: p.InstanceTTL}
}
