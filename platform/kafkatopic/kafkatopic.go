// Package kafkatopic creates and inspects the Kafka topics Tributary uses. It
// lives in platform because ingest and the processor both need it.
package kafkatopic

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/segmentio/kafka-go"
)

// Topic describes a topic to create when it is missing.
type Topic struct {
	Name              string
	Partitions        int
	ReplicationFactor int
}

// Statements returns the statement topic with its partitions and the
// dead-letter topic (one partition: it is rarely written and read in order),
// both with replicationFactor.
func Statements(topic, deadLetter string, partitions, replicationFactor int) []Topic {
	return []Topic{
		{Name: topic, Partitions: partitions, ReplicationFactor: replicationFactor},
		{Name: deadLetter, Partitions: 1, ReplicationFactor: replicationFactor},
	}
}

// ErrNoTopic means the topic does not exist (or has no partitions yet).
var ErrNoTopic = errors.New("kafka topic does not exist")

// client returns a kafka-go client for brokers (the context bounds every
// call) on a transport of its own, and closes the transport's connections:
// call it when done. kafka-go's shared DefaultTransport would keep a
// connection pool, and its goroutines, for every cluster ever asked.
func client(brokers []string) (c *kafka.Client, closeConns func()) {
	tr := &kafka.Transport{}
	return &kafka.Client{Addr: kafka.TCP(brokers...), Timeout: 10 * time.Second, Transport: tr}, tr.CloseIdleConnections
}

// Ensure creates every topic that does not exist yet. Existing topics are left
// as they are, whatever their partition count. The request goes to the
// cluster's controller.
func Ensure(ctx context.Context, brokers []string, topics ...Topic) error {
	if len(brokers) == 0 {
		return errors.New("kafkatopic: no brokers")
	}
	if len(topics) == 0 {
		return nil
	}
	req := &kafka.CreateTopicsRequest{}
	for _, t := range topics {
		if t.Name == "" || t.Partitions < 1 || t.ReplicationFactor < 1 {
			return fmt.Errorf("kafkatopic: invalid topic %+v", t)
		}
		req.Topics = append(req.Topics, kafka.TopicConfig{
			Topic: t.Name, NumPartitions: t.Partitions, ReplicationFactor: t.ReplicationFactor,
		})
	}
	c, closeConns := client(brokers)
	defer closeConns()
	res, err := c.CreateTopics(ctx, req)
	if err != nil {
		return fmt.Errorf("create topics: %w", err)
	}
	var errs []error
	for name, terr := range res.Errors {
		if terr != nil && !errors.Is(terr, kafka.TopicAlreadyExists) {
			errs = append(errs, fmt.Errorf("create topic %s: %w", name, terr))
		}
	}
	return errors.Join(errs...)
}

// Partitions returns the number of partitions of topic. A missing topic is
// reported as ErrNoTopic.
func Partitions(ctx context.Context, brokers []string, topic string) (int, error) {
	if len(brokers) == 0 {
		return 0, errors.New("kafkatopic: no brokers")
	}
	c, closeConns := client(brokers)
	defer closeConns()
	res, err := c.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{topic}})
	if err != nil {
		return 0, fmt.Errorf("metadata of topic %s: %w", topic, err)
	}
	for _, t := range res.Topics {
		if t.Name != topic {
			continue
		}
		if t.Error != nil {
			if errors.Is(t.Error, kafka.UnknownTopicOrPartition) {
				return 0, fmt.Errorf("topic %s: %w", topic, ErrNoTopic)
			}
			return 0, fmt.Errorf("metadata of topic %s: %w", topic, t.Error)
		}
		if len(t.Partitions) == 0 {
			return 0, fmt.Errorf("topic %s: %w", topic, ErrNoTopic)
		}
		return len(t.Partitions), nil
	}
	return 0, fmt.Errorf("topic %s: %w", topic, ErrNoTopic)
}
